"""Built-in ligandlab plugins.

Installed as the import package ``ligandlab_plugins`` and registered through the same
``ligandlab`` entry-point group a third-party package uses. Plugins import only the
public ``ligandlab`` API.
"""

"""Design campaigns: spec, runner, results store, executors, report.

``ll.Campaign.from_yaml(path).run()`` screens every candidate with the fast scorers,
simulates the top few, records everything in a SQLite store in the output folder, and
resumes where an interrupted run stopped. ``CampaignResult`` reads a folder back.
"""

from ligandlab.campaign.results import CampaignResult
from ligandlab.campaign.runner import Campaign
from ligandlab.campaign.spec import CampaignSpec, Funnel, LigandSource, SpecError, load_spec
from ligandlab.campaign.store import Store

__all__ = [
    "Campaign",
    "CampaignResult",
    "CampaignSpec",
    "Funnel",
    "LigandSource",
    "SpecError",
    "Store",
    "load_spec",
]

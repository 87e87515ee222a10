"""Erasure (UK GDPR Art. 17): plan from the case's search results and the organisation's exemptions,
the DPO's approval of the plan's hash, a resumable run, a verifying re-search and a signed certificate."""

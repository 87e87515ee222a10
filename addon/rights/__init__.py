"""The other rights of a UK privacy notice, on Google Workspace: rectification (Art. 16: plan, DPO approval
of the plan's SHA-256, RAW cell corrections, a verifying re-search, the Art. 19 recipients and a signed
record), restriction (Art. 18: marks staff can see, lifted exactly) and objection / the marketing opt-out
(Art. 21: marketing lists and a suppression list of keyed hashes). Erasure's machinery is reused
(sealed job records, row fingerprints, the signed-note certificate) rather than copied."""

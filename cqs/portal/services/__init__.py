"""Services of the citizen portal (writes). Each is keyword-only, takes the acting user,
runs in one transaction and writes one audit event, unless the write is onestop's own
service (submit, supplement, payment record, rating), which audits it."""

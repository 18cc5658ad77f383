"""Referrals: partner submissions, the conflict check, the timeline and commissions."""

"""The partner team's referral inbox: SLA clocks, filters and row actions."""

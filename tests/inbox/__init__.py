"""Tests for the partner team's referral inbox."""

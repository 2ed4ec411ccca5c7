"""Analysis of a negotiation: utilities, agreement space, bargaining solutions, outcomes."""

"""Lag alerts for tutors: the rules (here), then models, the runner and listeners (next steps)."""

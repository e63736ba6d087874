"""Lag alerts for tutors: rules, the alerts themselves, the runner and the listeners.

The listeners are connected by :func:`app.create_app`, once every model is loaded.
"""

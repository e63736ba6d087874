"""Cohort pages. For now the blueprint carries the pace partial shown on the course map."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__, template_folder="templates")

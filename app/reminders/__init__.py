"""Reminder emails to learners: templates with placeholders, always behind the consent check."""

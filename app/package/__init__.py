"""The course package (``course/`` and ``quizzes/``): check, import, export."""

"""Readers for the files people have: IATI activity XML (:mod:`aidtrack.files.iati`) and OCHA FTS flows (:mod:`aidtrack.files.fts`)."""

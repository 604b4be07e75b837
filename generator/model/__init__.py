"""The one model of a valid register: ``build(reg) -> RegisterModel`` (``register.py``), from
typed values of the organisation and its parties (``organisation.py``), the activities
(``activity.py``), the « Acteurs » of a sheet (``actors.py``), the process models
(``process.py``) and review status, completeness and DPIA screening (``review.py``)."""

"""Views of the case records, one module per feature. Every object is fetched through
``counseling.cases.services.access``; every read of confidential content is audited."""

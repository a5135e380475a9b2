"""The languages of the report and the labels readers see in both of them (:mod:`.strings`)."""

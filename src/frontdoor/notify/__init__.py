"""Messages to residents through GOV.UK Notify: templates, an outbox that retries, delivery."""

"""Cases, handovers between services, service standards and statutory clocks."""

"""The CRM: parties (people and organisations), roles on contacts and cases, markers."""

"""NiceGUI pages, one router per role or area. They call services, nothing lower."""

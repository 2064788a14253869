"""The admin dashboard's figures: counters, requests by status and service, bookings per local day, ratings, and the
requests waiting longest."""

from services.dashboard.figures import figures
from services.dashboard.rows import DashboardFigures

__all__ = ['DashboardFigures', 'figures']

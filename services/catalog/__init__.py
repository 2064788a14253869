"""The service catalogue (admins add, edit, retire and reinstate services) and how customers find one: search by
name or category in a pincode, and the booking form with its professionals and free days."""

from services.catalog.editing import SERVICE_CHANGED, create_service, edit_service, reinstate_service, retire_service
from services.catalog.listing import (
    get_overview,
    get_service,
    list_categories,
    list_overviews,
    list_services,
    search_services,
)
from services.catalog.rows import (
    BookingForm,
    NearbyPincode,
    ProfessionalContact,
    ServiceMatch,
    ServiceOverview,
    ServiceRow,
    ServiceSearch,
)
from services.catalog.search import SEARCH_CHANGED_BY, booking_form, find_services

__all__ = [
    'SEARCH_CHANGED_BY',
    'SERVICE_CHANGED',
    'BookingForm',
    'NearbyPincode',
    'ProfessionalContact',
    'ServiceMatch',
    'ServiceOverview',
    'ServiceRow',
    'ServiceSearch',
    'booking_form',
    'create_service',
    'edit_service',
    'find_services',
    'get_overview',
    'get_service',
    'list_categories',
    'list_overviews',
    'list_services',
    'reinstate_service',
    'retire_service',
    'search_services',
]

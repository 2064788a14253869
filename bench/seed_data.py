"""The fixed material of the seed: its catalogue, cities, names, streets and the texts people write."""

HISTORY_DAYS = 730  # bookings start this long before now

SERVICES = [  # name, category, rupees, minutes, demand weight, description
    ('Plumbing', 'Repairs', 499, 60, 14, 'Leaks, taps, drains and geyser fitting.'),
    ('Electrical', 'Repairs', 399, 60, 12, 'Switches, wiring, fans and lights.'),
    ('Carpentry', 'Repairs', 599, 120, 6, 'Doors, hinges, shelves and furniture repair.'),
    ('AC Repair', 'Appliances', 799, 90, 12, 'Service, gas top-up (extra) and repair.'),
    ('Washing Machine Repair', 'Appliances', 549, 60, 6, 'Front and top loaders, all brands.'),
    ('Refrigerator Repair', 'Appliances', 649, 90, 4, 'Cooling, compressors and door seals.'),
    ('Deep Cleaning', 'Cleaning', 2499, 240, 10, 'Whole-home deep cleaning with equipment.'),
    ('Bathroom Cleaning', 'Cleaning', 699, 120, 8, 'Tiles, fittings and descaling.'),
    ('Sofa Cleaning', 'Cleaning', 899, 90, 5, 'Shampoo and vacuum, up to 5 seats.'),
    ('Painting', 'Decor', 4999, 480, 3, 'One room, two coats, materials extra.'),
    ('Pest Control', 'Pest Control', 1199, 120, 7, 'Cockroaches and ants, odourless gel.'),
    ('Salon at Home', 'Beauty', 999, 90, 13, 'Haircut, facial and manicure at home.'),
]
CITIES = [  # name, pincode base, how many pincodes, demand weight
    ('Bengaluru', 560000, 70, 30),
    ('Mumbai', 400000, 70, 25),
    ('Delhi', 110000, 70, 20),
    ('Hyderabad', 500000, 50, 15),
    ('Chennai', 600000, 40, 10),
]
FIRST_NAMES = (
    'Aarav Aditi Akash Ananya Anil Anita Arjun Asha Deepa Deepak Divya Farhan Fatima Gaurav Geeta Harish Imran '
    'Isha Kavya Kiran Lakshmi Manoj Meera Mohan Naveen Neha Nikhil Pooja Pradeep Priya Rahul Rajesh Ravi Rekha '
    'Rohan Sanjay Sneha Suresh Swati Tanvi Usha Varun Vikram Vinod Zoya Ayesha Joseph Mary Thomas Gurpreet'
).split()
LAST_NAMES = (
    'Sharma Verma Iyer Nair Reddy Rao Kumar Singh Gupta Menon Pillai Kulkarni Joshi Patel Shah Das Bose '
    'Chatterjee Banerjee Mukherjee Khan Sheikh Ali Fernandes DSouza Gowda Naidu Yadav Mishra Tiwari Pandey '
    'Agarwal Jain Mehta Desai Kapoor Malhotra Chopra Saxena Bhat'
).split()
UNICODE_NAMES = ('Zoë Fernandes', 'Renée DSouza', 'ಅನಿಲ್ ಕುಮಾರ್', 'प्रिया शर्मा', 'Zoya <Khan>')
STREETS = (
    'MG Road',
    'Church Street',
    'Station Road',
    'Temple Street',
    'Lake View Road',
    'Park Avenue',
    '1st Main',
    '2nd Cross',
    '80 Feet Road',
    '100 Feet Road',
    'Ring Road',
    'Market Road',
)
AREAS = ('Nagar', 'Layout', 'Colony', 'Extension', 'Enclave', 'Gardens', 'Puram', 'Vihar', 'Park', 'Heights')
REMARKS = (
    'Please call before coming.',
    'Gate code 4321.',
    'Second floor, no lift.',
    'Bring a ladder.',
    'Dog at home, friendly.',
    'Parking available in the basement.',
    'Urgent, water leaking.',
    'Weekend preferred next time.',
)
CANCEL_REASONS = (
    'Plans changed.',
    'Fixed it myself.',
    'Booked the wrong slot.',
    'Found someone else.',
    'Travelling that day.',
)
ADMIN_CANCEL_REASONS = ('Customer asked support to cancel.', 'Duplicate booking.', 'Address outside service area.')
SUSPENDED = 'The customer account was suspended.'  # what blocking a customer writes (services/requests/blocking.py)
REVIEW_REMARKS = ('', '', '', 'Great work.', 'On time and neat.', 'Polite and quick.', 'Left a mess.', 'Came late.')
RATING_WEIGHTS = {  # professional quality -> weights of 1..5 stars
    'good': (1, 1, 4, 25, 69),
    'average': (3, 5, 15, 40, 37),
    'poor': (15, 20, 30, 25, 10),
}
REJECT_REASONS = ('The ID proof is unreadable.', 'Certificate missing.', 'Experience could not be verified.')
BLOCK_REASONS = ('Repeated no-shows.', 'Abusive messages reported.', 'Payment dispute under review.')

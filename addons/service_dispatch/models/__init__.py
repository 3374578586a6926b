from . import service_skill
from . import service_zone
from . import res_partner
from . import res_users
from . import service_device_model
from . import service_location
from . import service_order

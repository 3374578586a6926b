"""Small helpers shared by the service addons."""


def get_positive_int_param(env, key, default):
    """The positive integer of system parameter ``key``, or ``default`` when it
    is missing, not a number or not positive (a wrong setting must not open a
    limit nor break a page)."""
    try:
        value = int(env["ir.config_parameter"].sudo().get_param(key, default))
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default

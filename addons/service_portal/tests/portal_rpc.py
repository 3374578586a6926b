"""What a portal user could call over JSON-RPC, and whether it is refused.

Shared by the access tests of the three addons (docs/SECURITY.md case 2): every
public method that our addons define must refuse a portal user.
"""

import inspect
from xmlrpc.client import Fault

from odoo.exceptions import AccessError


def public_methods(record, module_prefixes):
    """Public methods that modules starting with ``module_prefixes`` define
    on the model of ``record``."""
    if isinstance(module_prefixes, str):
        module_prefixes = (module_prefixes,)
    names = set()
    for cls in type(record).__mro__:
        module = getattr(cls, "__module__", "")
        if not module.startswith(tuple(module_prefixes)):
            continue
        for name, member in vars(cls).items():
            if not name.startswith("_") and inspect.isfunction(member):
                names.add(name)
    return names


def call_is_refused(cr, record, method, arg_id):
    """Call ``method`` on ``record`` as an RPC client would (``arg_id`` for
    every required argument, ``{}`` for ``create``) inside a savepoint.

    True only if the call raised an ``AccessError``.
    """
    func = getattr(record, method)
    required = [
        p
        for p in inspect.signature(func).parameters.values()
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    args = [{}] if method == "create" else [arg_id] * len(required)
    try:
        with cr.savepoint():
            func(*args)
    except AccessError:
        return True
    except Exception:  # noqa: BLE001 - any other outcome is a failure
        return False
    return False


class XmlRpcCaseMixin:
    """XML-RPC calls of an ``HttpCase``, as an integrator or a customer with
    a portal password makes them (shared by the three addons' tests)."""

    def _xmlrpc(self, login, password, model, method, *args, **kwargs):
        dbname = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(dbname, login, password, {})
        self.assertTrue(uid, f"{login} cannot log in over XML-RPC")
        return self.xmlrpc_object.execute_kw(
            dbname, uid, password, model, method, list(args), kwargs
        )

    def assertXmlRpcRefused(self, login, password, model, method, *args, **kwargs):
        """The call fails with an AccessError (XML-RPC fault code 4)."""
        with self.assertRaises(Fault) as error:
            self._xmlrpc(login, password, model, method, *args, **kwargs)
        self.assertEqual(error.exception.faultCode, 4, error.exception.faultString)
        return error.exception

from odoo import models
from odoo.exceptions import UserError


class ServiceStateMixin(models.AbstractModel):
    """Guarded state transitions shared by the service documents.

    Service orders, shipments and contracts check the state of every record
    before an ``action_*`` changes it, and refuse with the same sentence.
    """

    _name = "service.state.mixin"
    _description = "Service Document with Guarded States"

    def _check_state(self, allowed_states, action_label):
        """Refuse ``action_label`` unless every record is in ``allowed_states``."""
        wrong = self.filtered(lambda record: record.state not in allowed_states)
        if not wrong:
            return
        record = wrong[0]
        labels = dict(self._fields["state"]._description_selection(self.env))
        raise UserError(
            self.env._(
                "%(document)s %(name)s is %(state)s: you cannot %(action)s it.",
                document=self.env["ir.model"]._get(self._name).name,
                name=record.display_name,
                state=labels[record.state],
                action=action_label,
            )
        )

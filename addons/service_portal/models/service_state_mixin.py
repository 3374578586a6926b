from odoo import models
from odoo.exceptions import AccessError, UserError

SERVICE_USER_GROUP = "service_portal.service_portal_group_user"
SERVICE_MANAGER_GROUP = "service_portal.service_portal_group_manager"


class ServiceStateMixin(models.AbstractModel):
    """Guarded actions shared by the service documents.

    Service orders, shipments, contracts and loaners check who calls an
    ``action_*`` (public methods are callable over RPC by any logged-in user,
    portal users included) and the state of every record before changing it,
    and refuse with the same sentences.
    """

    _name = "service.state.mixin"
    _description = "Service Document with Guarded Actions"

    def _check_action_rights(self, groups=SERVICE_USER_GROUP, operation="write"):
        """Refuse the action unless the user belongs to one of ``groups``
        (comma-separated xml ids, as ``has_groups``) and the access rights and
        record rules allow ``operation`` on the records.

        The server itself (sudo: the portal controllers after their own
        checks, crons) is always allowed. The ACLs already refuse portal users
        any write; the group check gives the internal users who lack it a
        sentence rather than a technical error.
        """
        if not self.env.su and not self.env.user.has_groups(groups):
            raise AccessError(
                self.env._(
                    "You are not allowed to do this on %(document)s: it is "
                    "reserved to %(groups)s.",
                    document=self.env["ir.model"]._get(self._name).name,
                    groups=", ".join(
                        self.env.ref(xmlid).sudo().display_name
                        for xmlid in groups.split(",")
                    ),
                )
            )
        self.check_access(operation)

    def _check_state(self, allowed_states, action_label):
        """Refuse ``action_label`` (the translated, capitalised name of the
        action: "Cancel", "Mark as ready") unless every record is in
        ``allowed_states``."""
        wrong = self.filtered(lambda record: record.state not in allowed_states)
        if not wrong:
            return
        record = wrong[0]
        labels = dict(self._fields["state"]._description_selection(self.env))
        raise UserError(
            self.env._(
                "%(document)s %(name)s is in the state “%(state)s”: "
                "“%(action)s” is not possible.",
                document=self.env["ir.model"]._get(self._name).name,
                name=record.display_name,
                state=labels[record.state],
                action=action_label,
            )
        )

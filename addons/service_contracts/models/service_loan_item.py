from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import LockError, UserError

from odoo.addons.service_portal.models.service_state_mixin import (
    SERVICE_MANAGER_GROUP,
)

LOAN_ITEM_STATES = [
    ("available", "Available"),
    ("lent", "Lent"),
    ("unavailable", "Unavailable"),
]

# Loan period when the order has no promised date.
DEFAULT_LOAN_DAYS = 14


class ServiceLoanItem(models.Model):
    _name = "service.loan.item"
    _description = "Loaner Device"
    _inherit = ["mail.thread", "service.state.mixin"]
    _order = "state, device_model_id, name, id"
    _check_company_auto = True
    _rec_names_search = ["name", "serial_number"]

    name = fields.Char(required=True, tracking=True)
    serial_number = fields.Char(index="trigram", tracking=True)
    device_model_id = fields.Many2one(
        "service.device.model",
        index=True,
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        LOAN_ITEM_STATES,
        string="Status",
        required=True,
        default="available",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    active = fields.Boolean(default=True)
    note = fields.Text()
    loan_ids = fields.One2many("service.loan", "item_id", string="Loans")
    loan_count = fields.Integer(compute="_compute_current_loan")
    current_loan_id = fields.Many2one("service.loan", compute="_compute_current_loan")
    partner_id = fields.Many2one(
        "res.partner", string="Lent To", compute="_compute_current_loan"
    )
    order_id = fields.Many2one(
        "service.order", string="For Order", compute="_compute_current_loan"
    )
    date_due = fields.Date(string="Due On", compute="_compute_current_loan")

    _serial_company_uniq = models.UniqueIndex(
        "(company_id, serial_number) WHERE serial_number IS NOT NULL",
        "Another loaner of this company has the same serial number.",
    )

    @api.depends("name", "serial_number")
    def _compute_display_name(self):
        for item in self:
            name = item.name or ""
            if item.serial_number:
                name = f"{name} ({item.serial_number})"
            item.display_name = name

    @api.depends("loan_ids.state", "loan_ids.date_due")
    def _compute_current_loan(self):
        for item in self:
            loan = item.loan_ids.filtered(lambda loan: loan.state == "open")[:1]
            item.loan_count = len(item.loan_ids)
            item.current_loan_id = loan
            item.partner_id = loan.partner_id
            item.order_id = loan.order_id
            item.date_due = loan.date_due

    @api.ondelete(at_uninstall=False)
    def _unlink_except_lent(self):
        if self.filtered(lambda item: item.state == "lent"):
            raise UserError(
                self.env._("A loaner that is lent cannot be deleted: return it first.")
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _lock_items(self):
        """Lock the items so that two clicks or two users lend an item once."""
        self.flush_recordset(["state"])
        try:
            self.sudo().lock_for_update(allow_referencing=True)
        except LockError:
            raise UserError(
                self.env._("This loaner is being changed by someone else. Try again.")
            ) from None
        self.invalidate_recordset(["state"])

    def action_lend(self, order_id, date_due=None):
        """Lend the loaner to the customer of the service order ``order_id``.

        The service desk lends and takes back loaners (read access is enough:
        the loan is written under sudo after the checks)."""
        self._check_action_rights(operation="read")
        self.ensure_one()
        order = self.env["service.order"].browse(int(order_id)).exists()
        if not order:
            raise UserError(
                self.env._("The service order to lend the loaner for does not exist.")
            )
        order._check_action_rights()
        order.ensure_one()
        self._lock_items()
        self._check_state(("available",), self.env._("Lend"))
        if order.state in ("done", "cancelled"):
            raise UserError(
                self.env._(
                    "The service order %(order)s is closed: no loaner can be "
                    "lent for it.",
                    order=order.name,
                )
            )
        if order.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "The loaner %(item)s belongs to another company than %(order)s.",
                    item=self.display_name,
                    order=order.name,
                )
            )
        if order.sudo().loan_ids.filtered(lambda loan: loan.state == "open"):
            raise UserError(
                self.env._(
                    "A loaner is already lent for %(order)s: return it before "
                    "lending another one.",
                    order=order.name,
                )
            )
        if not date_due:
            date_due = order.date_promised or (
                fields.Date.context_today(self) + timedelta(days=DEFAULT_LOAN_DAYS)
            )
        # returned loans must reach the database before the unique index checks
        self.env["service.loan"].flush_model(["state"])
        loan = (
            self.env["service.loan"]
            .sudo()
            .create(
                {
                    "item_id": self.id,
                    "order_id": order.id,
                    "date_due": date_due,
                }
            )
        )
        self.sudo().write({"state": "lent"})
        order.sudo().loan_item_id = self
        order.message_post(
            body=self.env._(
                "Loaner %(item)s lent until %(date)s.",
                item=self.display_name,
                date=fields.Date.to_string(loan.date_due),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return loan.with_env(self.env)

    def action_return(self):
        """The customer brought the loaner back: it is available again."""
        self._check_action_rights(operation="read")
        self._lock_items()
        self._check_state(("lent",), self.env._("Take back"))
        for item in self:
            loans = item.sudo().loan_ids.filtered(lambda loan: loan.state == "open")
            loans.write({"state": "returned", "date_returned": fields.Datetime.now()})
            loans.flush_recordset(["state"])
            for order in loans.order_id:
                order.message_post(
                    body=self.env._(
                        "Loaner %(item)s returned.", item=item.display_name
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        self.sudo().write({"state": "available"})
        return True

    def action_set_unavailable(self):
        """Take an available loaner out of service (repair, maintenance)."""
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self._lock_items()
        self._check_state(("available",), self.env._("Take out of service"))
        self.sudo().write({"state": "unavailable"})
        return True

    def action_set_available(self):
        """Put a loaner back into service after maintenance."""
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self._lock_items()
        self._check_state(("unavailable",), self.env._("Put back into service"))
        self.sudo().write({"state": "available"})
        return True

    def action_view_loans(self):
        self._check_action_rights(operation="read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_contracts.service_loan_action"
        )
        action["domain"] = [("item_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

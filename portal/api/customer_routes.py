"""/api/v1/customers/upsert: the customer list (the conflict check's input) kept from a CRM.

Staff tokens with customers:write send batches of (domain, name); `upsert_customers` (the
referrals door) checks every row by the CSV upload's rules and writes all of the batch or,
when any row has a problem, none: the problems come back in a 422 problem document by row
position, in the shape the schema's own errors take (`errors.json.customers.<index>.<field>`).
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from portal.api.auth import audit_write, current_user, limit_api, token_required
from portal.api.documented import documented
from portal.api.problems import ApiProblem, register_handlers
from portal.api.schemas import CustomerBatchResultSchema, CustomerBatchSchema
from portal.extensions import csrf, db
from portal.http import accepts
from portal.referrals import api as referrals

bp = Blueprint(
    "api_customers",
    __name__,
    url_prefix="/api/v1",
    description="Staff: the customer list the conflict check reads, kept from the CRM.",
)
register_handlers(bp)
csrf.exempt(bp)  # Bearer tokens only, no cookies: portal/api/auth.py
limit_api(bp)


@bp.route("/customers/upsert", methods=["POST"])
@accepts(json=True)
@token_required("customers:write")
@bp.arguments(CustomerBatchSchema)
@bp.response(200, CustomerBatchResultSchema)
@documented(401, 403, 413, 415, 422, 429)
def upsert(data: dict[str, Any]) -> Any:
    """Add or rename customers by domain, a batch at a time (staff tokens; customers:write).

    The key is the domain as the CSV upload normalises it (a website and its bare domain are
    one customer). A listed domain takes the name given, unless it is blank. All rows or none:
    with any bad row, nothing is written and the 422 names each row by its index.
    """
    batch = [(row["name"], row["domain"]) for row in data["customers"]]
    result = referrals.upsert_customers(batch, current_user())
    if result.problems:
        by_row: dict[str, dict[str, list[str]]] = {}
        for problem in result.problems:
            by_row.setdefault(str(problem.row), {})[problem.field] = [problem.message]
        count = len(by_row)
        raise ApiProblem(
            422,
            f"Nothing was written: {count} {'row has' if count == 1 else 'rows have'} a problem.",
            {"json": {"customers": by_row}},
        )
    audit_write("customers:write", "upsert customers", "customer_list", "batch")
    db.session.commit()
    return {
        "added": result.count("added"),
        "renamed": result.count("renamed"),
        "unchanged": result.count("unchanged") + result.count("repeated"),
        "customers": [
            {"index": index, "domain": row.domain, "name": row.name, "outcome": row.outcome}
            for index, row in enumerate(result.rows)
        ],
    }

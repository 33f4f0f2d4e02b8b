"""Local staff record what happened to a case: fetch in scope → validate → service → redirect.

A stale form (the case was saved meanwhile) gets the conflict page and nothing is written;
a step the rules refuse comes back to the form with the reasons.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clearance import rules
from clearance.forms.cases import AdvanceForm, ComplaintForm, ComplaintResolveForm, PaymentForm, SideEventForm
from clearance.models import Case, Complaint, StageEvent
from clearance.services import cases as services
from zones.access import scope_for


def _editable_case(request, pk):
    """The case, if the user's area covers it (404 otherwise) and their role may change it (403)."""
    scope = scope_for(request.user)
    case = scope.get_or_404(Case.objects.select_related("phase__zone", "unit__parent"), pk=pk)
    if not scope.can_edit_cases:
        raise PermissionDenied
    return case


def _data(request):
    return request.POST if request.method == "POST" else None


def _form_page(request, case, form, *, title, hints=(), **extra):
    context = {"case": case, "form": form, "title": title, "hints": hints, **extra}
    return render(request, "clearance/case_updates/form.html", context)


def _entered(form):
    """What the user typed, as they would read it: the label of a choice, not its code."""
    for field in form.visible_fields():
        value = form.data.get(field.html_name, "")
        choices = dict(getattr(field.field, "choices", ()))
        yield field.label, str(choices.get(value, value))


def _conflict_page(request, conflict, form, *, title):
    context = {
        "case": conflict.case,
        "title": title,
        "changes": conflict.changes(),
        "entered": list(_entered(form)),
    }
    return render(request, "clearance/case_updates/conflict.html", context, status=409)


def _submit(request, case, form, *, title, write, message):
    """Call `write(user=…, **arguments)` for a valid form and go back to the case with `message(written)`.

    A stale form gets the conflict page; a refusal by the rules goes onto the form. Returns the
    response to send, or None to show the form again; nothing is written unless a response is the case.
    """
    if not form.is_valid():
        return None
    try:
        written = write(user=request.user, **form.service_arguments())
    except services.CaseConflict as conflict:
        return _conflict_page(request, conflict, form, title=title)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return None
    return _to_case(request, case, message(written))


def _recorded(event):
    return _("Recorded: %(event)s.") % {"event": event}


def _paid(request, recorded):
    """The message of a recorded payment, with a warning when it came after the 30-day deadline."""
    if recorded.late:
        due_on = date_format(recorded.due_on, "SHORT_DATE_FORMAT")
        messages.warning(
            request,
            _("This payment is late: it was due by %(deadline)s, 30 days after the plan approval.")
            % {"deadline": due_on},
        )
    return _("Payment recorded.")


def _to_case(request, case, message):
    messages.success(request, message)
    return redirect("clearance:case_detail", pk=case.pk)


@login_required
def case_advance(request, pk):
    case = _editable_case(request, pk)
    title = _("Record the next stage")
    recorded = services.recorded_acts(case)
    stage = rules.next_stage(case.stage, recorded)
    form = AdvanceForm(_data(request), initial={"version": case.version, "stage": stage})
    write = partial(services.case_advance, case_id=case.pk)
    if response := _submit(request, case, form, title=title, write=write, message=_recorded):
        return response
    non_agricultural = services.has_non_agricultural_land(case)
    hints = rules.advance_hints(stage=stage, recorded=recorded, non_agricultural=non_agricultural)
    return _form_page(request, case, form, title=title, hints=hints)


@login_required
def case_event(request, pk):
    case = _editable_case(request, pk)
    title = _("Record an event")
    form = SideEventForm(_data(request), initial={"version": case.version})
    write = partial(services.case_record_event, case_id=case.pk)
    if response := _submit(request, case, form, title=title, write=write, message=_recorded):
        return response
    return _form_page(request, case, form, title=title)


@login_required
def case_payment(request, pk):
    case = _editable_case(request, pk)
    title = _("Record a payment")
    form = PaymentForm(_data(request), initial={"version": case.version})
    write = partial(services.case_record_payment, case_id=case.pk)
    if response := _submit(request, case, form, title=title, write=write, message=partial(_paid, request)):
        return response
    approved = services.recorded_acts(case).get(StageEvent.Kind.PLAN_APPROVED)
    hints = [rules.payment_hint(approved)] if approved else []
    return _form_page(request, case, form, title=title, hints=hints)


@login_required
def case_complaint(request, pk):
    case = _editable_case(request, pk)
    title = _("Record a complaint")
    form = ComplaintForm(_data(request), initial={"version": case.version})
    write = partial(services.complaint_open, case_id=case.pk)
    if response := _submit(request, case, form, title=title, write=write, message=lambda _c: _("Complaint recorded.")):
        return response
    return _form_page(request, case, form, title=title)


@login_required
def case_complaint_resolve(request, pk, complaint_pk):
    case = _editable_case(request, pk)
    complaint = scope_for(request.user).get_or_404(Complaint.objects.filter(case=case), pk=complaint_pk)
    title = _("Resolve a complaint")
    form = ComplaintResolveForm(_data(request), initial={"version": case.version})
    write = partial(services.complaint_resolve, case_id=case.pk, complaint_id=complaint.pk)
    if response := _submit(request, case, form, title=title, write=write, message=lambda _c: _("Complaint resolved.")):
        return response
    return _form_page(request, case, form, title=title, complaint=complaint)

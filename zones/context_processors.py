from zones.access import scope_for


def access(request):
    """Templates ask `scope` what the user may do (scope.can_edit_cases, scope.can_sign_off…)."""
    return {"scope": scope_for(request.user)}

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def agency_tree(request: HttpRequest) -> HttpResponse:
    return render(request, "org/agency_tree.html", {})

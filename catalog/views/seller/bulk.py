"""Seller pages: bulk import and export as background jobs, with a polled progress bar."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import selectors
from catalog.forms import ExportForm, ImportForm
from catalog.models import BulkJob
from catalog.services import bulk
from catalog.views.seller.paging import paginate
from marketplace.core.pages import refusals
from shops import roles
from shops.scoping.models import get_for_shop_or_404
from shops.scoping.views import seller_view

SECTION = roles.PRODUCTS


@seller_view(section=SECTION)
def bulk_home(request):
    import_form = ImportForm()
    if request.method == "POST":
        import_form = ImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            with refusals(form=import_form) as outcome:
                job = bulk.start_import(
                    shop=request.shop, actor=request.user, upload=import_form.cleaned_data["file"]
                )
            if outcome.ok:
                return redirect("seller:catalog-job", job_id=job.pk)
    page = paginate(request, selectors.list_jobs(shop=request.shop))
    return TemplateResponse(
        request,
        "catalog/seller/bulk.html",
        {
            "import_form": import_form,
            "export_form": ExportForm(),
            "page": page,
            "page_query": "",
            "columns": bulk.ALL_COLUMNS,
        },
    )


@require_POST
@seller_view(section=SECTION)
def bulk_export(request):
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose CSV or XLSX."))
        return redirect("seller:catalog-bulk")
    job = bulk.start_export(shop=request.shop, actor=request.user, fmt=form.cleaned_data["format"])
    return redirect("seller:catalog-job", job_id=job.pk)


@seller_view(section=SECTION)
def bulk_template(request):
    response = HttpResponse(bulk.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="products-template.csv"'
    return response


@seller_view(section=SECTION)
def job_detail(request, job_id: int):
    job = get_for_shop_or_404(BulkJob, shop=request.shop, pk=job_id)
    return TemplateResponse(request, "catalog/seller/job_detail.html", {"job": job})


@seller_view(section=SECTION)
def job_progress(request, job_id: int):
    """The progress fragment that the job page polls (htmx) until the job is finished."""
    job = get_for_shop_or_404(BulkJob, shop=request.shop, pk=job_id)
    return TemplateResponse(request, "catalog/seller/_job_progress.html", {"job": job})


@seller_view(section=SECTION)
def job_download(request, job_id: int, what: str):
    job = get_for_shop_or_404(BulkJob, shop=request.shop, pk=job_id)
    files = {"result": job.result, "errors": job.error_report}
    stored = files.get(what)
    if not stored:
        raise Http404
    name = stored.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=name)

"""A professional's uploaded documents, each shown in the page (images as an image, PDFs in a frame)."""

from __future__ import annotations

from nicegui import ui

from models.enums import DocumentKind
from services.people import DocumentRow

KIND_WORDS = {DocumentKind.ID_PROOF: 'ID proof', DocumentKind.CERTIFICATE: 'Certificate'}


def document_list(documents: tuple[DocumentRow, ...]) -> None:
    """A heading, then each document, or a line saying there are none."""
    ui.label('Documents').classes('text-lg font-semibold').props('role=heading aria-level=2')
    if not documents:
        ui.label('No documents uploaded yet.').classes('text-grey-8').mark('user-documents-empty')
        return
    for document in documents:
        _document(document)


def _document(document: DocumentRow) -> None:
    """The file itself, shown in the page through the route that checks who may read it (images as an image, PDFs
    in a frame), with a link to open it in a tab of its own."""
    url = f'/documents/{document.id}'
    kind = KIND_WORDS.get(document.kind, document.kind.value)
    with ui.card().classes('w-full gap-2').props('flat bordered').mark(f'document-{document.id}'):
        with ui.row().classes('w-full items-center gap-x-3 gap-y-1'):
            ui.label(kind).classes('font-semibold')
            ui.label(document.original_name).classes('break-all')
            ui.label(_size_words(document.size)).classes('text-grey-8')
            ui.space()
            ui.link('Open in new tab', url, new_tab=True).mark(f'document-{document.id}-open')
        if document.content_type.startswith('image/'):
            view = ui.element('img').classes(
                'self-start w-auto h-auto min-w-40 max-w-full max-h-[70vh] object-contain rounded border'
            )
            view.props['alt'] = f'{kind}: {document.original_name}'
        else:
            view = ui.element('iframe').classes('w-full rounded border').style('height: 70vh; min-height: 20rem')
            view.props['title'] = f'{kind}: {document.original_name}'
        view.props['src'] = url
        view.mark(f'document-{document.id}-view')


def _size_words(size: int) -> str:
    return f'{size / 1024 / 1024:.1f} MB' if size >= 1024 * 1024 else f'{max(1, round(size / 1024))} KB'

"""A professional's own documents: the list (each opens in a tab of its own, with Remove while allowed) and the
upload control (the kind first, then the file; the service layer checks the type by the bytes and the size)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import events, ui

from components.documents import KIND_WORDS
from components.words import local_time
from models.enums import DocumentKind
from services.people import DocumentRow

KIND_OPTIONS = {kind.value: KIND_WORDS[kind] for kind in DocumentKind}
ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg'
# what QUploader says when it refuses a file before sending it (its failedPropValidation)
BROWSER_REFUSALS = {'max-file-size': 'too big', 'accept': 'wrong type'}
# QUploader's own header names its add button by the icon's ligature ('add_box'); this one says what it does.
# Its file input stays out of the button (an input inside a button is a nested control with no label to a screen
# reader) and out of sight: the button opens it with pickFiles.
HEADER = """
<div class="row no-wrap items-center q-pa-sm q-gutter-sm">
  <q-spinner v-if="props.isUploading" size="sm" />
  <div class="col q-uploader__title">{title}</div>
  <q-btn v-if="props.canAddFiles" icon="add_box" label="Choose a file" no-caps flat dense @click="props.pickFiles" />
  <div v-if="props.canAddFiles" class="hidden"><q-uploader-add-trigger /></div>
</div>
"""


def own_documents(
    documents: tuple[DocumentRow, ...], zone: ZoneInfo, *, removable: bool, on_remove: Callable[[DocumentRow], Any]
) -> None:
    """Each document on a line: kind, name, size, when; a link to open it and Remove when `removable`."""
    if not documents:
        ui.label('No documents yet. Upload an ID proof and your certificates for the admin to check.').classes(
            'text-grey-8'
        ).mark('documents-empty')
        return
    with ui.list().props('bordered separator').classes('w-full rounded').mark('documents-list'):
        for document in documents:
            kind = KIND_WORDS.get(document.kind, document.kind.value)
            with ui.item().classes('flex-wrap gap-x-3 gap-y-1 py-2').mark(f'document-{document.id}'):
                with ui.item_section().classes('min-w-[12rem]'):
                    ui.label(f'{kind}: {document.original_name}').classes('font-medium break-all')
                    ui.label(f'{size_words(document.size)} · added {local_time(document.uploaded_at, zone)}').classes(
                        'text-sm text-grey-8'
                    )
                with ui.item_section().props('side').classes('flex-row items-center gap-2'):
                    ui.link('Open', f'/documents/{document.id}', new_tab=True).mark(f'document-{document.id}-open')
                    if removable:
                        remove = ui.button('Remove', icon='delete').props('flat dense no-caps color=negative')
                        remove.props['aria-label'] = f'Remove {kind}: {document.original_name}'
                        remove.on_click(lambda d=document: on_remove(d))
                        remove.mark(f'document-{document.id}-remove')


def document_upload(
    *,
    max_bytes: int,
    on_upload: Callable[[events.UploadEventArguments], Any],
    on_refused: Callable[[str], Any],
) -> tuple[ui.select, ui.upload]:
    """The kind select (marked `document-kind`) and the uploader (`document-file`), which sends a file as soon as
    it is chosen. `on_refused('too big' | 'wrong type')` when the browser refuses a file before sending it."""
    megabytes = max_bytes // (1024 * 1024)
    with ui.element('div').classes('w-full grid grid-cols-1 sm:grid-cols-[14rem_1fr] gap-3 items-start'):
        kind = ui.select(KIND_OPTIONS, label='Kind of document').props('outlined').classes('w-full')
        kind.mark('document-kind')
        title = f'PDF, PNG or JPEG, at most {megabytes} MB'
        upload = ui.upload(
            label=title,
            auto_upload=True,
            max_file_size=max_bytes,
            on_upload=on_upload,
        )
        upload.props(f'accept="{ACCEPT}" flat bordered color=primary').classes('w-full document-upload')
        upload.mark('document-file')
        # the list holds one line of help, never files (each uploads at once): a scrolling box would need a tab stop
        ui.add_css('.document-upload .q-uploader__list { overflow: visible; }')
        upload.add_slot('header', HEADER.format(title=title))
        with upload.add_slot('list'):
            ui.label('Or drop the file here. It uploads at once.').classes('text-sm text-grey-8')
    upload.on(
        'rejected',
        lambda e: on_refused(next((BROWSER_REFUSALS[r] for r in e.args if r in BROWSER_REFUSALS), 'wrong type')),
        js_handler='(entries) => emit(entries.map((entry) => entry.failedPropValidation))',
    )
    return kind, upload


def size_words(size: int) -> str:
    return f'{size / 1024 / 1024:.1f} MB' if size >= 1024 * 1024 else f'{max(1, round(size / 1024))} KB'

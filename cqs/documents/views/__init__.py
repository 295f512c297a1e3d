"""The document screens (văn bản đến, văn bản đi, việc của tôi, sổ, tìm kiếm, trang văn bản).

Views stay thin: they read through the permission gates and selectors, call the services
and render. Every gate answers 404 for a document the user may not see; a refused action
(`ApplicationError`, `PermissionDenied`) comes back as a Vietnamese message.
"""

"""Ký số: PAdES signatures by leaders and agencies, verification, the keys and the trust store.

* ``models`` — certificates (keys encrypted at rest), signature and seal images, trust
  anchors, and one record per signed revision;
* ``crypto`` — key encryption, PKCS#12 parsing, certificate facts;
* ``backends`` — where a private key lives (the local encrypted key by default; tokens,
  HSMs and remote-signing CAs plug in by name) and the adapter pyHanko signs through;
* ``engine`` — the PDF work on bytes, with no database: fields, appearances, signatures;
* ``services`` — the use cases (import, leader signature, release, attachments, bulk
  signing), with permissions, re-authentication, records and audit events;
* ``verify`` — every signature of a PDF judged HỢP LỆ / KHÔNG XÁC ĐỊNH / KHÔNG HỢP LỆ.
"""

"""Reader for the iWmo 3.2 and iJw 3.2 chain messages (Wmo and Jeugdwet).

One file holds one ``Bericht``. ``is_istandaarden`` recognises a message by the namespace
of its root element (cheap: only the start of the file is read). ``read_istandaarden``
parses the bytes once, validates the tree against the bundled official XSD of that message
(``schemas/iwmo``, ``schemas/ijw``, compiled once per process), checks the business rules
the XSD cannot express (BSN elfproef, end dates before start dates) and turns the message
into rows for the canonical tables (``warehouse.schema``):

========  ===============================================================================
message   rows
========  ===============================================================================
all       ``bericht`` (one row; return messages also fill retour_identificatie/retourcodes)
301       ``toewijzing`` per ToegewezenProduct, ``persoon``
305/307   ``levering`` per StartProduct (start side) / StopProduct (stop side), ``persoon``
315/317   ``verzoek`` per AangevraagdProduct / TeWijzigenProduct and NieuwProduct, ``persoon``
323       ``declaratie`` per Prestatie (credit negative, cents), ``persoon`` per client
========  ===============================================================================

Identities: ``bericht_id = standaard:BerichtCode:Afzender:Identificatie`` (BerichtCode is
the COD002 code, e.g. 414, unique per standard and message type) and
``toewijzing_id = wet:GMxxxx:ToewijzingNummer``. The BSN is pseudonymised on reading and
appears nowhere in the output; rejection texts are Dutch and scrubbed of 9-digit numbers.
"""

from stuurdata.sources.istandaarden.reader import is_istandaarden, read_istandaarden

__all__ = ["is_istandaarden", "read_istandaarden"]

"""The CKAN Action API subset of the open-data portal (API dữ liệu mở theo chuẩn CKAN).

Mounted at ``/opendata/api/3/action/<name>`` and ``/opendata/api/action/<name>`` (the path the
``ckanapi`` client calls), GET with a query string or POST with a JSON body (or a form). Read-only:
package_list, package_show, package_search, organization_list, organization_show, resource_show,
datastore_search, datastore_info and help_show. Answers use CKAN's envelope
``{"help", "success", "result"}`` / ``{"help", "success": false, "error": {"__type", "message"}}``.

- ``params``: reading the request data and checking each parameter;
- ``fq``: the Solr-like filter query subset of package_search;
- ``dictize``: datasets, resources and organisations in CKAN's shape;
- ``actions``: the actions themselves;
- ``views``: the endpoint, the envelope, API keys and the usage log.

docs/adr/0011-ckan-action-api-and-keys.md explains the choices; docs/ckan.md is the user guide.
"""

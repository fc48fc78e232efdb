"""The catalogue's pages: the public ones (`public`: the list, a product, its photos, a
collection), the business's listing (`listing`) and the offices' collections
(`collections`)."""

"""The region at a glance: the map of the municipalities, the figures of the statistics page
(and the API), and the gaps advisers act on."""

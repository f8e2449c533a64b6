"""Reference facts for countries and regions (DOMAIN.md), kept as data in one place."""

#: EU-27 member states (ISO 3166 alpha-2).
EU_MEMBER_STATES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)

#: Non-EU countries participating in COSME in 2018 (COM(2021) 685).
COSME_ASSOCIATED = frozenset("IS AL BA XK ME MK RS TR AM MD UA".split())

#: Countries ISO 3166 does not list but NUTS and EU programmes use.
EXTRA_COUNTRIES = {"XK": ("XKX", "Kosovo")}

#: NUTS and CORDIS spell two countries differently from ISO 3166.
NUTS_TO_ISO = {"EL": "GR", "UK": "GB"}

#: Names profiles use for countries, beside pycountry's own names.
COUNTRY_ALIASES = {
    "Czech Republic": "CZ",
    "Czechia": "CZ",
    "Turkey": "TR",
    "Türkiye": "TR",
    "Slovak Republic": "SK",
    "Moldova": "MD",
    "North Macedonia": "MK",
    "Macedonia": "MK",
    "Bosnia and Herzegovina": "BA",
    "Kosovo": "XK",
    "United Kingdom": "GB",
    "UK": "GB",
    "Great Britain": "GB",
    "Greece": "GR",
    "EL": "GR",
    "Netherlands": "NL",
    "The Netherlands": "NL",
    "Russia": "RU",
    "South Korea": "KR",
    "Korea": "KR",
    "Taiwan": "TW",
    "Vietnam": "VN",
    "Iran": "IR",
}

#: English and other names regions go by in profile texts (NUTS code -> names).
REGION_ALIASES = {
    "ITI1": ["Tuscany"],
    "ES51": ["Catalonia", "Catalunya"],
    "ES52": ["Valencia", "Valencian Community", "Comunidad Valenciana", "Region of Valencia"],
    "ES30": ["Madrid", "Community of Madrid"],
    "TR3": ["Aegean", "Aegean Region"],
    "PT11": ["North", "Northern Portugal"],
    "CZ05": ["Northeast", "North-East"],
    "SK01": ["Bratislava Region", "Bratislava"],
    "ITC4": ["Lombardy"],
    "ITH3": ["Veneto"],
    "ITC1": ["Piedmont"],
    "ES21": ["Basque Country"],
    "ES11": ["Galicia"],
    "ES61": ["Andalusia"],
    "DEA": ["North Rhine-Westphalia"],
    "DE2": ["Bavaria"],
    "DE1": ["Baden-Württemberg"],
    "DED": ["Saxony"],
}

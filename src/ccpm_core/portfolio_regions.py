"""Regions of countries, for grouping exercises when a results document names no region.

The regions are the five of the United Nations M49 standard (Africa,
Americas, Asia, Europe, Oceania). Each name in :data:`REGIONS` is in exactly one of them.
A results document's ``exercise.region`` takes precedence, so a team that
groups by another scheme (WHO regions, OCHA regional offices) writes its own
region there. A country the table does not list gets no region here, and the
portfolio shows it under "Unknown".
"""

from __future__ import annotations

import functools

from ccpm_core.labels import match_key

__all__ = ["REGIONS", "region_of"]

# fmt: off
REGIONS: dict[str, tuple[str, ...]] = {
    "Africa": (
        "Algeria", "Angola", "Benin", "Botswana", "Burkina Faso", "Burundi", "Cabo Verde",
        "Cape Verde", "Cameroon", "Central African Republic", "CAR", "Chad", "Comoros",
        "Congo", "Republic of the Congo", "Congo-Brazzaville",
        "Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa",
        "Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast", "Djibouti", "Egypt",
        "Equatorial Guinea", "Eritrea", "Eswatini", "Swaziland", "Ethiopia", "Gabon", "Gambia",
        "The Gambia", "Ghana", "Guinea", "Guinea-Bissau", "Kenya", "Lesotho", "Liberia", "Libya",
        "Madagascar", "Malawi", "Mali", "Mauritania", "Mauritius", "Morocco", "Mozambique",
        "Namibia", "Niger", "Nigeria", "Rwanda", "Sao Tome and Principe",
        "São Tomé and Príncipe", "Senegal", "Seychelles", "Sierra Leone", "Somalia",
        "South Africa", "South Sudan", "Sudan", "Tanzania", "United Republic of Tanzania",
        "Togo", "Tunisia", "Uganda", "Zambia", "Zimbabwe", "Western Sahara",
    ),
    "Americas": (
        "Antigua and Barbuda", "Argentina", "Bahamas", "Barbados", "Belize", "Bolivia",
        "Brazil", "Canada", "Chile", "Colombia", "Costa Rica", "Cuba", "Dominica",
        "Dominican Republic", "Ecuador", "El Salvador", "Grenada", "Guatemala", "Guyana",
        "Haiti", "Honduras", "Jamaica", "Mexico", "Nicaragua", "Panama", "Paraguay", "Peru",
        "Saint Kitts and Nevis", "Saint Lucia", "Saint Vincent and the Grenadines",
        "Suriname", "Trinidad and Tobago", "United States", "United States of America",
        "USA", "Uruguay", "Venezuela", "Puerto Rico",
    ),
    "Asia": (
        "Afghanistan", "Armenia", "Azerbaijan", "Bahrain", "Bangladesh", "Bhutan", "Brunei",
        "Brunei Darussalam", "Cambodia", "China", "Cyprus", "Georgia", "India", "Indonesia",
        "Iran", "Islamic Republic of Iran", "Iraq", "Israel", "Japan", "Jordan", "Kazakhstan",
        "Kuwait", "Kyrgyzstan", "Lao PDR", "Laos", "Lao People's Democratic Republic",
        "Lebanon", "Malaysia", "Maldives", "Mongolia", "Myanmar", "Nepal", "North Korea",
        "Democratic People's Republic of Korea", "DPRK", "Oman", "Pakistan", "Palestine",
        "State of Palestine", "occupied Palestinian territory", "oPt", "Philippines", "Qatar",
        "Saudi Arabia", "Singapore", "South Korea", "Republic of Korea", "Sri Lanka", "Syria",
        "Syrian Arab Republic", "Whole of Syria", "Tajikistan", "Thailand", "Timor-Leste",
        "East Timor", "Türkiye", "Turkey", "Turkmenistan", "United Arab Emirates",
        "Uzbekistan", "Viet Nam", "Vietnam", "Yemen",
    ),
    "Europe": (
        "Albania", "Andorra", "Austria", "Belarus", "Belgium", "Bosnia and Herzegovina",
        "Bulgaria", "Croatia", "Czechia", "Czech Republic", "Denmark", "Estonia", "Finland",
        "France", "Germany", "Greece", "Hungary", "Iceland", "Ireland", "Italy", "Kosovo",
        "Latvia", "Liechtenstein", "Lithuania", "Luxembourg", "Malta", "Moldova",
        "Republic of Moldova", "Monaco", "Montenegro", "Netherlands", "North Macedonia",
        "Norway", "Poland", "Portugal", "Romania", "Russia", "Russian Federation",
        "San Marino", "Serbia", "Slovakia", "Slovenia", "Spain", "Sweden", "Switzerland",
        "Ukraine", "United Kingdom",
    ),
    "Oceania": (
        "Australia", "Fiji", "Kiribati", "Marshall Islands", "Micronesia", "Nauru",
        "New Zealand", "Palau", "Papua New Guinea", "Samoa", "Solomon Islands", "Tonga",
        "Tuvalu", "Vanuatu",
    ),
}
# fmt: on
"""Country names, with common short and official forms, per M49 region."""


@functools.cache
def _region_by_key() -> dict[str, str]:
    return {
        match_key(country): region for region, countries in REGIONS.items() for country in countries
    }


def region_of(country: str) -> str | None:
    """Return the M49 region of ``country``, matched whatever its case and spacing, or None."""
    return _region_by_key().get(match_key(country))

import json
from pathlib import Path

import pycountry
import pytest

from stancewire.catalog import Catalog, CatalogError, load_catalog
from stancewire.config import PROJECT_ROOT


def test_every_un_member_and_observer_is_there(catalog: Catalog) -> None:
    countries = {a.id for a in catalog.actors.values() if a.type == "country"}
    # pycountry lists territories too; every UN member and observer plus TWN and XKX must be present.
    for code in ("USA", "RUS", "UKR", "TUR", "GBR", "FRA", "DEU", "POL", "ITA", "VAT", "PSE", "TWN", "XKX", "SSD"):
        assert code in countries
    assert len(countries) >= 197
    assert all(pycountry.countries.get(alpha_3=c) or c == "XKX" for c in countries)


def test_main_organisations_and_leaders(catalog: Catalog) -> None:
    for org in ("EU", "NATO", "UN", "IMF", "WB", "WTO", "WHO", "OPEC", "G7", "G20", "BRICS", "AU", "ASEAN", "ECB"):
        assert catalog.get(org) is not None, org
    person = catalog.get("donald-trump")
    assert person is not None and person.country == "USA"


def test_user_file_adds_extends_and_disables(tmp_path: Path) -> None:
    user = tmp_path / "mine.json"
    user.write_text(
        json.dumps(
            [
                {"id": "acme", "type": "company", "name": "Acme", "aliases": {"*": ["Acme Corp"]}},
                {"id": "TUR", "aliases": {"it": ["la Sublime Porta"]}},
                {"id": "NATO", "disabled": True},
            ]
        )
    )
    cat = load_catalog(PROJECT_ROOT / "seeds", user)
    assert cat.get("acme") is not None
    assert "la Sublime Porta" in {a.text for a in cat.get("TUR").aliases["it"]}
    assert cat.get("NATO") is None


@pytest.mark.parametrize("bad", ['[{"id": ""}]', '[{"id": "x", "type": "planet", "name": "X"}]', "{not json"])
def test_bad_user_file_is_a_clear_error(tmp_path: Path, bad: str) -> None:
    user = tmp_path / "bad.json"
    user.write_text(bad)
    with pytest.raises(CatalogError):
        load_catalog(PROJECT_ROOT / "seeds", user)

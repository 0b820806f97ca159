"""The taxonomy: themes and competence packages, counties and municipalities, and the
controlled vocabularies for enterprises (service categories, target groups, legal forms)."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledgebase.models.base import db



class Named:
    """Mixin for taxonomy rows named in Swedish and English."""

    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" and self.name_en else self.name_sv)


class Theme(Named, db.Model):
    __tablename__ = "theme"

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    packages: Mapped[list[CompetencePackage]] = relationship(
        back_populates="theme", order_by="CompetencePackage.number"
    )


class CompetencePackage(Named, db.Model):
    __tablename__ = "competence_package"

    # "<theme>.<package>", e.g. "3.1" for Tema 3, Kompetenspaket 1.
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    theme_number: Mapped[int] = mapped_column(ForeignKey("theme.number"))
    number: Mapped[int]
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[Theme] = relationship(back_populates="packages")


class County(db.Model):
    __tablename__ = "county"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="county", order_by="Municipality.name"
    )


class Municipality(db.Model):
    __tablename__ = "municipality"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)
    county: Mapped[County] = relationship(back_populates="municipalities")


class ServiceCategory(Named, db.Model):
    __tablename__ = "service_category"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    # [{"code": "90910000", "name": {"sv": ..., "en": ...}, "bilaga2": false, "reservable": false,
    #   "source": ["https://..."]}]: checked by services.procurement.buyers.clean_cpv_list.
    cpv: Mapped[list] = mapped_column(JSON, default=list)
    # Routes beyond LOU that may fit these services: "lov" (a choice system) and "iop".
    routes: Mapped[list] = mapped_column(JSON, default=list)


class TargetGroup(Named, db.Model):
    __tablename__ = "target_group"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)


class LegalForm(Named, db.Model):
    __tablename__ = "legal_form"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)


class SynonymGroup(db.Model):
    """Words and phrases that search treats as the same (both ways); advisers extend these."""

    __tablename__ = "synonym_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[list] = mapped_column(JSON, default=list)

from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from declarations.models import MemberCountry
        from declarations.selectors import forget_country_codes

        post_save.connect(forget_country_codes, sender=MemberCountry, dispatch_uid="declarations-country-codes")
        post_delete.connect(forget_country_codes, sender=MemberCountry, dispatch_uid="declarations-country-codes-del")

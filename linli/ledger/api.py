from ninja import Router

router = Router(tags=["hours and certificates"])

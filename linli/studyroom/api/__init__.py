"""The study-room API, mounted at /api/v1/study-room: the pupils and the day (SPEC §7.2,
`pupils`), the rooms and their times (`rooms`), the tutors' rota (`rota`) and the interest
classes (`classes`).

Reach follows linli.studyroom.access and every write calls linli.studyroom.actions, as the pages
do.
"""

from ninja import Router

from linli.studyroom.api import classes, pupils, rooms, rota

router = Router()
router.add_router("", pupils.router)
router.add_router("", rooms.router)
router.add_router("", rota.router)
router.add_router("", classes.router)

"""The demo 午间微学堂 of 焦家社区 (SPEC §1): the room, about 30 pupils with their guardians, the
interest classes (书法, 绘画, 象棋, 乐器), the tutors' rota from today, and the term's attendance."""

from linli.studyroom.demo.seed import seed_study_room

__all__ = ["seed_study_room"]

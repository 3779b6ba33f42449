import type { GraduateAwardEntity } from '../graduate-award.entity.js';
import type { GraduateEntity } from '../graduate.entity.js';
import type { Institution } from '../registry-row.js';

export interface GraduateAward {
  programme: string;
  award: string;
  institution: Institution;
  graduationYear: number;
  /** Conferred by PolyU (HKCC/SPEED graduates with one may register an Alumni NetID). */
  polyuAward: boolean;
}

/** A graduate as other domains see it. Never holds the personal ID or its hash: only whether one is on record. */
export interface Graduate {
  id: string;
  studentNumber: string;
  surname: string;
  givenName: string;
  /** `YYYY-MM-DD` */
  dateOfBirth: string;
  /** The university's email on record (show it masked). */
  email: string | null;
  studentNetId: string | null;
  hasPersonalId: boolean;
  /** Oldest first. */
  awards: GraduateAward[];
}

export function mapGraduate(entity: GraduateEntity): Graduate {
  return {
    id: entity.id,
    studentNumber: entity.studentNumber,
    surname: entity.surname,
    givenName: entity.givenName,
    dateOfBirth: entity.dateOfBirth,
    email: entity.email,
    studentNetId: entity.studentNetId,
    hasPersonalId: entity.personalIdHash != null,
    awards: (entity.awards ?? [])
      .map(mapGraduateAward)
      .sort((a, b) => a.graduationYear - b.graduationYear || a.programme.localeCompare(b.programme)),
  };
}

export function mapGraduateAward(entity: GraduateAwardEntity): GraduateAward {
  return {
    programme: entity.programme,
    award: entity.award,
    institution: entity.institution,
    graduationYear: entity.graduationYear,
    polyuAward: entity.polyuAward,
  };
}

// Cached reference data (provinces, fields of science).
import { api, itemsOf } from './api';

export interface AdminUnit {
  code: string; name: string; full_name: string; level: string; era: string; unit_type: string;
  province_code: string | null; province_name: string | null; name_en: string | null;
  area_km2: number | null; population: number | null; density: number | null;
}
export interface FieldOfScience { code: string; level: number; parent_code: string | null; name_vi: string; name_en: string }

let provinces: Promise<AdminUnit[]> | null = null;
export function getProvinces(): Promise<AdminUnit[]> {
  if (!provinces) {
    provinces = api.get<unknown>('/admin-units', { level: 'province', limit: 100, sort: 'name' })
      .then((r) => itemsOf<AdminUnit>(r))
      .catch((e) => { provinces = null; throw e; });
  }
  return provinces;
}

let fields: Promise<FieldOfScience[]> | null = null;
export function getFields(): Promise<FieldOfScience[]> {
  if (!fields) {
    fields = api.get<unknown>('/reference/fields-of-science', { limit: 500 })
      .then((r) => itemsOf<FieldOfScience>(r))
      .catch((e) => { fields = null; throw e; });
  }
  return fields;
}

export function byCode<T extends { code: string }>(list: T[]): Map<string, T> {
  return new Map(list.map((x) => [x.code, x]));
}

export interface Vsic { code: string; level: number; parent_code: string | null; name_vi: string; name_en: string }
let vsic: Promise<Vsic[]> | null = null;
export function getVsic(): Promise<Vsic[]> {
  if (!vsic) {
    vsic = api.get<unknown>('/reference/vsic', { limit: 500 })
      .then((r) => itemsOf<Vsic>(r))
      .catch((e) => { vsic = null; throw e; });
  }
  return vsic;
}

/** Communes of a 2025 province (cached per province). */
const communeCache = new Map<string, Promise<AdminUnit[]>>();
export function getCommunes(provinceCode: string): Promise<AdminUnit[]> {
  let p = communeCache.get(provinceCode);
  if (!p) {
    p = api.get<unknown>('/admin-units', { level: 'commune', province_code: provinceCode, limit: 500, sort: 'name' })
      .then((r) => itemsOf<AdminUnit>(r))
      .catch((e) => { communeCache.delete(provinceCode); throw e; });
    communeCache.set(provinceCode, p);
  }
  return p;
}

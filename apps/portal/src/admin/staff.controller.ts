import { Body, Controller, Header, Get, HttpCode, NotFoundException, Post, UseFilters } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IdentityExceptionFilter } from '../identity/identity-exception.filter.js';
import { CurrentSubject, Roles, STAFF_ROLES, type StaffRole, type Subject } from '../identity/roles.js';
import type { StaffAccountEntity } from './staff-account.entity.js';
import { StaffService } from './staff.service.js';

export class StaffResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  email!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: STAFF_ROLES })
  role!: string;
  @ApiProperty()
  active!: boolean;
}

export class CreateStaffDto {
  @ApiProperty()
  @IsEmail({}, { message: 'Please enter a valid email address.' })
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty({ message: 'Please enter a name.' })
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role!: StaffRole;
}

export class CreatedStaffResponse extends StaffResponse {
  @ApiProperty({ description: 'Shown once; give it to the person over a safe channel.' })
  password!: string;
}

function mapStaff(account: StaffAccountEntity): StaffResponse {
  return { id: account.id, email: account.email, name: account.name, role: account.role, active: account.active };
}

@ApiTags('admin')
@Controller('staff')
@UseFilters(IdentityExceptionFilter)
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get('me')
  @Header('Cache-Control', 'no-store')
  @Roles('aao-admin', 'security-staff', 'auditor')
  @ApiOperation({ summary: 'The signed-in member of staff' })
  @ApiOkResponse({ type: StaffResponse })
  async me(@CurrentSubject() subject: Subject): Promise<StaffResponse> {
    const account = await this.staff.findById(subject.id);
    if (!account) throw new NotFoundException('This staff account no longer exists.');
    return mapStaff(account);
  }

  @Post()
  @Header('Cache-Control', 'no-store')
  @Roles('aao-admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a staff account with a generated password (AAO admins only; audited)' })
  @ApiCreatedResponse({ type: CreatedStaffResponse })
  async create(@Body() body: CreateStaffDto, @CurrentSubject() subject: Subject): Promise<CreatedStaffResponse> {
    const { account, generatedPassword } = await this.staff.create(
      { email: body.email, name: body.name, role: body.role },
      { type: 'staff', id: subject.id },
    );
    return { ...mapStaff(account), password: generatedPassword! };
  }
}
